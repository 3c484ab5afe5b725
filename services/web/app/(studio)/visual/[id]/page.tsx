// The visual page: live preview, preset and controls, render dialog.
import { VisualStudio } from "../../../_components/visual-studio";

export default async function VisualPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <VisualStudio id={id} />;
}
