// libsodium sealed box (crypto_box_seal) as GitHub Actions secrets require.
import sodium from "libsodium-wrappers";

// Encrypts `value` for the repository public key (both base64, standard alphabet).
export async function sealForGitHub(publicKeyB64: string, value: string): Promise<string> {
  await sodium.ready;
  const key = sodium.from_base64(publicKeyB64, sodium.base64_variants.ORIGINAL);
  const sealed = sodium.crypto_box_seal(sodium.from_string(value), key);
  return sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL);
}
