/** S3 errors as S3 answers them: code, HTTP status, message (wording follows real S3), extra elements, XML body. */

/** An error that the S3 emulator renders as `<Error><Code>…</Code><Message>…</Message>…</Error>`. */
export class S3Error extends Error {
  override readonly name = 'S3Error';
  constructor(
    readonly code: string,
    readonly status: number,
    /** The `<Message>`, as S3 words it. */
    readonly s3Message: string,
    /** Further elements S3 adds for this code, in order (e.g. `Key`, `BucketName`, `AWSAccessKeyId`). */
    readonly details: Readonly<Record<string, string>> = {},
    /** Response headers S3 adds (e.g. `allow` on 405). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`${code}: ${s3Message}`);
  }
}

/** Escapes text for an XML element's content or an attribute value. */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );
}

/** The XML body of an error response, with the request id S3 puts in every error. */
export function renderS3Error(error: S3Error, requestId: string, resource?: string): string {
  const details = Object.entries(error.details)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.s3Message)}</Message>` +
    `${details}${resource === undefined ? '' : `<Resource>${escapeXml(resource)}</Resource>`}` +
    `<RequestId>${escapeXml(requestId)}</RequestId></Error>`
  );
}

export const accessDenied = (message = 'Access Denied'): S3Error => new S3Error('AccessDenied', 403, message);

export const invalidAccessKeyId = (accessKeyId: string): S3Error =>
  new S3Error(
    'InvalidAccessKeyId',
    403,
    'The AWS Access Key Id you provided does not exist in our records.',
    { AWSAccessKeyId: accessKeyId },
  );

export const invalidToken = (): S3Error =>
  new S3Error('InvalidToken', 400, 'The provided token is malformed or otherwise invalid.');

export const expiredToken = (): S3Error =>
  new S3Error('ExpiredToken', 400, 'The provided token has expired.');

export const signatureDoesNotMatch = (details: Readonly<Record<string, string>> = {}): S3Error =>
  new S3Error(
    'SignatureDoesNotMatch',
    403,
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    details,
  );

export const authorizationHeaderMalformed = (message: string): S3Error =>
  new S3Error('AuthorizationHeaderMalformed', 400, message);

export const authorizationQueryParametersError = (message: string): S3Error =>
  new S3Error('AuthorizationQueryParametersError', 400, message);

export const requestTimeTooSkewed = (requestTime: string, serverTime: string): S3Error =>
  new S3Error(
    'RequestTimeTooSkewed',
    403,
    'The difference between the request time and the current time is too large.',
    { RequestTime: requestTime, ServerTime: serverTime, MaxAllowedSkewMilliseconds: '900000' },
  );

export const invalidRequest = (message: string): S3Error => new S3Error('InvalidRequest', 400, message);

export const invalidArgument = (message: string, name?: string, value?: string): S3Error =>
  new S3Error(
    'InvalidArgument',
    400,
    message,
    name === undefined ? {} : { ArgumentName: name, ArgumentValue: value ?? '' },
  );

export const malformedXml = (): S3Error =>
  new S3Error(
    'MalformedXML',
    400,
    'The XML you provided was not well-formed or did not validate against our published schema',
  );

export const noSuchBucket = (bucket: string): S3Error =>
  new S3Error('NoSuchBucket', 404, 'The specified bucket does not exist', { BucketName: bucket });

export const noSuchKey = (key: string): S3Error =>
  new S3Error('NoSuchKey', 404, 'The specified key does not exist.', { Key: key });

export const noSuchUpload = (uploadId: string): S3Error =>
  new S3Error(
    'NoSuchUpload',
    404,
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    { UploadId: uploadId },
  );

export const entityTooLarge = (size: number, max: number): S3Error =>
  new S3Error('EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed size', {
    ProposedSize: String(size),
    MaxSizeAllowed: String(max),
  });

export const badDigest = (algorithm: string): S3Error =>
  new S3Error('BadDigest', 400, `The ${algorithm} you specified did not match the calculated checksum.`);

export const notImplemented = (operation: string): S3Error =>
  new S3Error('NotImplemented', 501, `${operation} is not implemented by the credvend S3 emulator.`);

export const invalidDigest = (): S3Error =>
  new S3Error('InvalidDigest', 400, 'The Content-MD5 you specified was not valid.');

export const badContentMd5 = (): S3Error =>
  new S3Error('BadDigest', 400, 'The Content-MD5 you specified did not match what we received.');

export const invalidBucketName = (bucket: string): S3Error =>
  new S3Error('InvalidBucketName', 400, 'The specified bucket is not valid.', { BucketName: bucket });

export const keyTooLong = (size: number): S3Error =>
  new S3Error('KeyTooLongError', 400, 'Your key is too long', {
    MaxSizeAllowed: '1024',
    Size: String(size),
  });

export const metadataTooLarge = (size: number): S3Error =>
  new S3Error('MetadataTooLarge', 400, 'Your metadata headers exceed the maximum allowed metadata size', {
    Size: String(size),
    MaxSizeAllowed: '2048',
  });

export const noSuchVersion = (key: string, versionId: string): S3Error =>
  new S3Error('NoSuchVersion', 404, 'The specified version does not exist.', {
    Key: key,
    VersionId: versionId,
  });

/** `condition` names the header that failed, e.g. `If-Match`. */
export const preconditionFailed = (condition: string): S3Error =>
  new S3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold', {
    Condition: condition,
  });

export const invalidRange = (requested: string, size: number): S3Error =>
  new S3Error(
    'InvalidRange',
    416,
    'The requested range is not satisfiable',
    { RangeRequested: requested, ActualObjectSize: String(size) },
    { 'content-range': `bytes */${size}` },
  );

export const invalidPartNumber = (requested: number, partCount: number): S3Error =>
  new S3Error('InvalidPartNumber', 416, 'The requested partnumber is not satisfiable', {
    PartNumberRequested: String(requested),
    ActualPartCount: String(partCount),
  });

export const invalidPart = (uploadId: string, partNumber: number, etag: string): S3Error =>
  new S3Error(
    'InvalidPart',
    400,
    "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
    { UploadId: uploadId, PartNumber: String(partNumber), ETag: etag },
  );

export const invalidPartOrder = (uploadId: string): S3Error =>
  new S3Error(
    'InvalidPartOrder',
    400,
    'The list of parts was not in ascending order. Parts must be ordered by part number.',
    { UploadId: uploadId },
  );

export const entityTooSmall = (size: number, minimum: number, partNumber: number, etag: string): S3Error =>
  new S3Error(
    'EntityTooSmall',
    400,
    'Your proposed upload is smaller than the minimum allowed object size.',
    {
      ProposedSize: String(size),
      MinSizeAllowed: String(minimum),
      PartNumber: String(partNumber),
      ETag: etag,
    },
  );

/** The emulator's own store is full (real S3 never is): says how full, and how to make room. */
export const insufficientStorage = (usedBytes: number, neededBytes: number, maxBytes: number): S3Error =>
  new S3Error(
    'InsufficientStorage',
    507,
    `The credvend S3 emulator's store is full: ${usedBytes} of ${maxBytes} bytes are used and this request ` +
      `needs ${neededBytes} more. Delete objects, or restart the sandbox with a larger CREDVEND_S3_MAX_BYTES.`,
    { UsedBytes: String(usedBytes), NeededBytes: String(neededBytes), MaxBytes: String(maxBytes) },
  );

export const xAmzContentSha256Mismatch = (clientComputed: string, s3Computed: string): S3Error =>
  new S3Error(
    'XAmzContentSHA256Mismatch',
    400,
    "The provided 'x-amz-content-sha256' header does not match what was computed.",
    { ClientComputedContentSHA256: clientComputed, S3ComputedContentSHA256: s3Computed },
  );

/** An `aws-chunked` body whose decoded length is not `x-amz-decoded-content-length`. */
export const incompleteBody = (bytesExpected: number, bytesProvided: string): S3Error =>
  new S3Error(
    'IncompleteBody',
    400,
    'You did not provide the number of bytes specified by the Content-Length HTTP header.',
    { NumberBytesExpected: String(bytesExpected), NumberBytesProvided: bytesProvided },
  );

/** An `aws-chunked` body whose framing breaks off or is malformed. */
export const bodyTerminatedUnexpectedly = (): S3Error =>
  new S3Error('IncompleteBody', 400, 'The request body terminated unexpectedly');

export const invalidChunkSize = (chunk: number, badChunkSize: number): S3Error =>
  new S3Error(
    'InvalidChunkSizeError',
    403,
    'Only the last chunk is allowed to have a size less than 8192 bytes',
    {
      Chunk: String(chunk),
      BadChunkSize: String(badChunkSize),
    },
  );

export const malformedTrailer = (): S3Error =>
  new S3Error(
    'MalformedTrailerError',
    400,
    'The request contained trailing data that was not well-formed or did not conform to our published schema.',
  );

export const missingContentLength = (): S3Error =>
  new S3Error('MissingContentLength', 411, 'You must provide the Content-Length HTTP header.');

export const headersNotSigned = (names: readonly string[]): S3Error =>
  new S3Error('AccessDenied', 403, 'There were headers present in the request which were not signed', {
    HeadersNotSigned: names.join(', '),
  });

/** A presigned URL past `X-Amz-Date + X-Amz-Expires`; times in S3's `2024-01-01T00:00:00Z` form. */
export const requestExpired = (expiresSeconds: string, expires: string, serverTime: string): S3Error =>
  new S3Error('AccessDenied', 403, 'Request has expired', {
    'X-Amz-Expires': expiresSeconds,
    Expires: expires,
    ServerTime: serverTime,
  });

/** A presigned URL dated in the future; S3 gives its `X-Amz-Date` in epoch milliseconds here. */
export const requestNotYetValid = (signedAtMs: number, expires: string, serverTime: string): S3Error =>
  new S3Error('AccessDenied', 403, 'Request is not yet valid', {
    'X-Amz-Date': String(signedAtMs),
    Expires: expires,
    ServerTime: serverTime,
  });
