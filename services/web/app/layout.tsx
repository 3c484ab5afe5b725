// The document shell shared by every page.
import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: "Ethereal Flame Studio",
  description: "Upload a track, pick an audio-reactive visual, render a video.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#0b0a14" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
