// The web app manifest: name and icons for "Add to Home Screen" / installed app tiles.
import type { MetadataRoute } from "next";

export default function manifest(): MetadataRoute.Manifest {
  return {
    name: "Ethereal Flame Studio",
    short_name: "Flame Studio",
    description: "Upload a track, pick an audio-reactive visual, render a video.",
    start_url: "/",
    display: "standalone",
    background_color: "#0b0a14",
    theme_color: "#0b0a14",
    icons: [
      { src: "/icon.svg", sizes: "any", type: "image/svg+xml" },
      { src: "/app-icon-192.png", sizes: "192x192", type: "image/png" },
      { src: "/app-icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
    ],
  };
}
