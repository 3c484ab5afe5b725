// The library page.
import { Library } from "../_components/library";

export default function LibraryPage() {
  return <Library />;
}
