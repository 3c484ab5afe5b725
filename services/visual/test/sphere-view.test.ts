// Looking around with a phone: the device's orientation → where the 360° view looks.
import { describe, expect, it } from "vitest";
import { orientationToLook } from "../src/sphere-view";

const deg = (r: number) => Math.round((r * 180) / Math.PI) || 0; // no -0
const look = (alpha: number, beta: number, gamma: number, screen = 0) => {
  const l = orientationToLook(alpha, beta, gamma, screen);
  return { yaw: deg(l.yaw), pitch: deg(l.pitch) };
};

describe("orientationToLook", () => {
  it("a phone held upright in portrait looks at the horizon; tilting it looks up or down", () => {
    expect(look(0, 90, 0)).toEqual({ yaw: 0, pitch: 0 });
    expect(look(0, 135, 0).pitch).toBe(45);
    expect(look(0, 45, 0).pitch).toBe(-45);
  });

  it("turning left (compass heading up) turns the view left", () => {
    expect(look(10, 90, 0).yaw).toBe(-10);
    expect(look(30, 90, 0).yaw - look(0, 90, 0).yaw).toBe(-30);
  });

  it("held sideways in landscape, the view still sits on the horizon and turns with the phone", () => {
    const a = look(0, 0, 90, 90);
    const b = look(20, 0, 90, 90);
    expect(a.pitch).toBe(0);
    expect(b.yaw - a.yaw).toBe(-20);
  });
});
