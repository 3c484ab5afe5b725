// One render: watch it in the page (360° renders in the drag-to-look viewer), download, delete.
import { RenderPlayer } from "../../../_components/render-player";

export default async function RenderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <RenderPlayer id={id} />;
}
