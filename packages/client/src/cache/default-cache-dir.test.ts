import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findDefaultCacheDir } from "./default-cache-dir.js";

describe("findDefaultCacheDir", () => {
  const home = "/home/ada";
  it("prefers CEXDATA_CACHE_DIR", () => {
    expect(findDefaultCacheDir({ env: { CEXDATA_CACHE_DIR: "/x" }, platform: "linux", home })).toBe("/x");
  });
  it("follows each OS's convention", () => {
    expect(findDefaultCacheDir({ env: {}, platform: "linux", home })).toBe(join(home, ".cache", "cexdata"));
    expect(findDefaultCacheDir({ env: { XDG_CACHE_HOME: "/xdg" }, platform: "linux", home })).toBe(
      join("/xdg", "cexdata"),
    );
    expect(findDefaultCacheDir({ env: {}, platform: "darwin", home })).toBe(
      join(home, "Library", "Caches", "cexdata"),
    );
    expect(findDefaultCacheDir({ env: { LOCALAPPDATA: "C:/L" }, platform: "win32", home })).toBe(
      join("C:/L", "cexdata"),
    );
  });
});
