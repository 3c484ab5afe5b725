// A URL the SSRF guard refuses; always permanent, the message says why.
import { PermanentJobError } from "../errors";

export class BlockedUrlError extends PermanentJobError {}
