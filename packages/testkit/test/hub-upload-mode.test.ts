import { describe, expect, it } from "vitest";
import { DEFAULT_GITATTRIBUTES } from "../src/hub/hub-store.js";
import { LFS_SIZE_THRESHOLD, chooseUploadMode } from "../src/hub/upload-mode.js";

const text = new TextEncoder().encode("{}");
const mode = (path: string, size = 2, sample: Uint8Array = text, gitAttributes = DEFAULT_GITATTRIBUTES) =>
  chooseUploadMode({ path, size, sample, gitAttributes });

describe("preupload rule", () => {
  it("sends Parquet through LFS wherever it sits, and small text inline", () => {
    expect(mode("data/ohlcv_1m/base=BTC/2024-01.parquet")).toBe("lfs");
    expect(mode("spec.json")).toBe("regular");
    expect(mode("README.md")).toBe("regular");
  });
  it("sends large or binary files through LFS whatever their name", () => {
    expect(mode("big.csv", LFS_SIZE_THRESHOLD)).toBe("lfs");
    expect(mode("blob.dat", 3, new Uint8Array([1, 0, 2]))).toBe("lfs");
  });
  it("honours anchored and ** patterns of .gitattributes", () => {
    const attrs = "data/** filter=lfs diff=lfs merge=lfs -text\nnotes.txt -text\n";
    expect(mode("data/x/y.json", 2, text, attrs)).toBe("lfs");
    expect(mode("other/data/y.json", 2, text, attrs)).toBe("regular");
    expect(mode("notes.txt", 2, text, attrs)).toBe("regular");
  });
});
