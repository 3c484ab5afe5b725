// Content-Disposition for downloads: an ASCII fallback plus the RFC 5987 UTF-8 form.

// Builds `attachment; filename="…"; filename*=UTF-8''…` for a user-visible download name.
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
