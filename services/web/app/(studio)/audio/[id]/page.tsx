// One audio item: player, waveform and editor.
import { AudioEditor } from "../../../_components/audio-editor";

export default async function AudioPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <AudioEditor id={id} />;
}
