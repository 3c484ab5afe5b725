"use client";
// Ends the session (clears the cookie) and returns to the unlock page.
export function LockButton() {
  return (
    <button
      type="button"
      className="secondary"
      onClick={async () => {
        await fetch("/api/session", { method: "DELETE" });
        window.location.href = "/unlock";
      }}
    >
      Lock
    </button>
  );
}
