/** The directory's public surface, for the SIP endpoint and the expander. */
export { Directory, splitUserAtDomain } from './directory.js';
export type { AuthInfo, DirectoryDomain, DirectoryGroup, DirectoryUser } from './directory.js';
export { NamedValues } from './named-values.js';
export { buildDirectory, type DirectoryBuild } from './directory-builder.js';
export {
  DirectoryService,
  directoryService,
  NOT_REGISTERED_CONTACT,
  type DialFunction,
} from './directory-service.js';
export { DEFAULT_DIAL_STRING, expandUserDialString } from './dial-expand.js';
export { groupCall, parseGroupCallSpec, type GroupCallMode } from './group-call.js';
export { bindUserToChannel, lookupAuth, userData, userValue, parseUserDataSpec } from './user-data.js';
export type { UserDataKind, UserDataSpec } from './user-data.js';
