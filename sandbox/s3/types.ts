/** The contracts between the S3 emulator's parts: the HTTP front, authentication, authorization and the operations. */
import type { SigningKey } from '../account/account';
import type { IamRequest } from '../account/policy-evaluator';

export type { IamRequest, SigningKey };

/** A request as the HTTP front received it, before anything is decoded or trusted. */
export interface ReceivedS3Request {
  readonly method: string;
  /** The path exactly as it arrived, percent-escapes intact, without the query string (e.g. `/bucket/a%20b`). */
  readonly rawPath: string;
  /** The query string exactly as it arrived, without `?` (`''` when there is none). */
  readonly rawQuery: string;
  /** Header names and values as they arrived (`IncomingMessage.rawHeaders`). */
  readonly rawHeaders: readonly string[];
  /** The body bytes as they arrived (an `aws-chunked` body still chunked). */
  readonly body: Buffer;
}

/** Finds the signing key of an access key id; undefined when the account knows no such key. */
export type SigningKeyLookup = (accessKeyId: string) => SigningKey | undefined;

/** Who sent a request, and the payload it sent once authenticated. */
export type S3Authentication =
  | {
      readonly kind: 'anonymous';
      readonly payload: Buffer;
      readonly trailers: ReadonlyMap<string, string>;
    }
  | {
      readonly kind: 'signed';
      readonly accessKeyId: string;
      /** `header`: the `Authorization` header; `presigned`: query-string SigV4 (`X-Amz-Signature`). */
      readonly via: 'header' | 'presigned';
      /** The object bytes: the body, or the decoded content of an `aws-chunked` body. */
      readonly payload: Buffer;
      /** Trailing headers of an `aws-chunked` body, names lower-cased (e.g. `x-amz-checksum-crc32`). */
      readonly trailers: ReadonlyMap<string, string>;
      /** The signing time (`X-Amz-Date`), epoch ms. */
      readonly signedAtMs: number;
    };

/** An HTTP answer of the S3 emulator. */
export interface S3Response {
  readonly status: number;
  /** Header names lower-case. `content-length` is set by the front. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
}

/** Answers whether the authenticated caller may make an IAM request (evaluated on every call, never cached). */
export type Authorizer = (request: IamRequest) => Promise<boolean>;

/** A parsed S3 request, ready for an operation. */
export interface S3Call {
  readonly method: string;
  /** `''` for the service (ListBuckets). */
  readonly bucket: string;
  /** The decoded object key; `''` for bucket-level requests. */
  readonly key: string;
  /** Decoded query parameters; the first value of each name (S3 takes one). */
  readonly query: ReadonlyMap<string, string>;
  /** Header values by lower-case name (repeated headers joined with `,`). */
  readonly headers: ReadonlyMap<string, string>;
  /** The authenticated payload (chunked bodies decoded). */
  readonly payload: Buffer;
  /** Trailing headers of a chunked body, lower-case names. */
  readonly trailers: ReadonlyMap<string, string>;
  /** Whether the caller may make an IAM request. */
  readonly authorize: Authorizer;
  /** The request id for this call (also in error bodies). */
  readonly requestId: string;
}
