export interface SniffResult {
  /** e.g. "image/png"; undefined when the content has no known signature (plain text, most likely) */
  mime: string | undefined;
  extension: string | undefined;
}

/** Reads the first bytes of a file and names its type by signature. Unreadable files sniff as unknown. */
export async function sniffFile(file: string): Promise<SniffResult> {
  try {
    // Loaded on first use: it costs ~100 ms at startup, and most commands never sniff.
    const { fileTypeFromFile } = await import('file-type');
    const type = await fileTypeFromFile(file);
    return { mime: type?.mime, extension: type?.ext };
  } catch {
    return { mime: undefined, extension: undefined };
  }
}
