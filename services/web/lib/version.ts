// The studio version reported by /api/health (the web package's version).
import pkg from "../package.json";

export const APP_VERSION: string = pkg.version;
