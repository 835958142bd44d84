/** The S3 operations of the emulator: routing a parsed call, and the operations themselves. */
export { MIN_PART_BYTES } from './multipart-operations';
export { identifyOperation, requestIdHeaders, runS3Call, s3ErrorResponse } from './route';
