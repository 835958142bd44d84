export {
  type ApiOptions,
  CredvendApiError,
  containerCredentialsUrl,
  previewSession,
  type ScopeEntry,
  type SessionPlanPreview,
  type VendedCredentials,
  type VendParameters,
  vendCredentials,
} from './api';
export { type CredvendProviderOptions, fromCredvend } from './provider';
