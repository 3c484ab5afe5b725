// `efs destroy` as data: sections in reverse init order, each planning its resources
// (delete / keep / already gone) and deleting one resource at a time.
import type { VaultDraft } from "../../vault/state";
import type { DestroyContext } from "./context";

// Reverse of init's order: what depends on a resource goes before it.
export const DESTROY_SECTIONS = ["github", "render", "vercel", "modal", "turso", "r2"] as const;
export type DestroySectionName = (typeof DESTROY_SECTIONS)[number];

/** One resource in the plan. */
export interface ResourcePlan {
  // The destroy journal's resource key (e.g. "bucket", "secret:VERCEL_TOKEN").
  readonly key: string;
  readonly action: "delete" | "keep" | "gone";
  readonly what: string;
  // The provider's id (bucket name, token id, prj_…, srv-…).
  readonly id: string;
  // Why it is kept, or what deleting it loses.
  readonly note?: string;
}

/** A section's plan: its resources and where they live. */
export interface SectionPlan {
  readonly section: DestroySectionName;
  readonly title: string;
  readonly where?: string;
  readonly items: readonly ResourcePlan[];
}

/** One section of `efs destroy`. */
export interface DestroySection {
  readonly name: DestroySectionName;
  readonly title: string;
  // Whether efs init recorded anything in this section (else there is nothing to destroy).
  recorded(ctx: DestroyContext): boolean;
  plan(ctx: DestroyContext): Promise<SectionPlan>;
  // Deletes one planned resource; "gone" when it was already gone.
  remove(ctx: DestroyContext, item: ResourcePlan): Promise<"deleted" | "gone">;
  // Vault changes once the section is destroyed: values that named deleted resources go.
  forget(draft: VaultDraft, items: readonly ResourcePlan[], ctx: DestroyContext): void;
}
