/** What the object store holds: buckets, objects with their metadata and checksums, uploads and their parts. */
import type { ChecksumAlgorithm, ChecksumType } from './checksums';

/** A bucket the store holds, and the region it answers for. */
export interface BucketInfo {
  readonly name: string;
  readonly region: string;
  readonly creationDateMs: number;
}

/** A checksum as stored with an object. */
export interface StoredChecksum {
  readonly algorithm: ChecksumAlgorithm;
  /** Base64; a composite one ends in `-N`. */
  readonly value: string;
  readonly type: ChecksumType;
}

/** What an object carries besides its bytes. */
export interface ObjectMetadata {
  readonly contentType: string;
  /** Stored system headers by lower-case name: content-encoding, content-disposition, cache-control… */
  readonly headers: Readonly<Record<string, string>>;
  /** `x-amz-meta-*` values by lower-case name without the prefix. */
  readonly userMetadata: Readonly<Record<string, string>>;
}

/** An object to store. */
export interface NewObject extends ObjectMetadata {
  readonly body: Buffer;
  /** With its double quotes. */
  readonly etag: string;
  readonly checksum?: StoredChecksum;
  /** The part sizes of an object completed from a multipart upload. */
  readonly partSizes?: readonly number[];
}

/** A stored object, without its bytes. */
export interface ObjectInfo extends Omit<NewObject, 'body'> {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly lastModifiedMs: number;
}

/** One uploaded part. */
export interface StoredPart {
  readonly partNumber: number;
  readonly body: Buffer;
  readonly size: number;
  /** With its double quotes. */
  readonly etag: string;
  readonly md5: Buffer;
  /** Base64, in the upload's algorithm; absent when the upload has none and the client sent none. */
  readonly checksum: string | undefined;
  readonly checksumAlgorithm: ChecksumAlgorithm | undefined;
  readonly lastModifiedMs: number;
}

/** A multipart upload in progress. */
export interface MultipartUpload {
  readonly uploadId: string;
  readonly bucket: string;
  readonly key: string;
  readonly initiatedMs: number;
  readonly metadata: ObjectMetadata;
  readonly checksum: { readonly algorithm: ChecksumAlgorithm; readonly type: ChecksumType } | undefined;
  readonly parts: ReadonlyMap<number, StoredPart>;
}
