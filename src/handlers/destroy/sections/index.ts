// The destroy sections in the order they run (reverse of efs init's).
import type { DestroySection } from "../types";
import { githubSection } from "./github";
import { modalSection } from "./modal";
import { r2Section } from "./r2";
import { renderSection } from "./render";
import { tursoSection } from "./turso";
import { vercelSection } from "./vercel";

export const SECTIONS: readonly DestroySection[] = [
  githubSection,
  renderSection,
  vercelSection,
  modalSection,
  tursoSection,
  r2Section,
];
