// The unlock page: the studio access key in, a session cookie out.
import { UnlockForm } from "../_components/unlock-form";

export const dynamic = "force-dynamic";

export default function UnlockPage() {
  return (
    <main>
      <h1>Ethereal Flame Studio</h1>
      <div className="panel">
        <p>This studio is private. Enter the studio access key to continue.</p>
        <UnlockForm />
        <p className="muted">
          Running it yourself? The key is STUDIO_ACCESS_KEY in your efs vault:{" "}
          <code>npx efs env get STUDIO_ACCESS_KEY</code>.
        </p>
      </div>
    </main>
  );
}
