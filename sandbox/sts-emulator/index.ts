/** The STS emulator: a local stand-in for AWS STS that the real `@aws-sdk/client-sts` talks to over HTTP. */
export { startStsEmulator } from './server';
export type {
  BaseCredentials,
  EmulatedOidcProvider,
  EmulatedRole,
  FaultCode,
  FaultConfig,
  RoleTrust,
  SessionRecord,
  SessionTag,
  StsCallRecord,
  StsEmulator,
  StsEmulatorOptions,
} from './types';
