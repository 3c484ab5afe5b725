// The renders page.
import { Renders } from "../../_components/renders";

export default function RendersPage() {
  return <Renders />;
}
