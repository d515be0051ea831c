/** Saves text or a data URL as a file, the browser's way (Electron shows its save dialog for it). */
export function downloadText(filename: string, mime: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  downloadUrl(filename, url);
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function downloadUrl(filename: string, url: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
}

/** A file name from user text: letters, digits, dashes; never empty. */
export function fileSlug(text: string, fallback = 'chart'): string {
  const slug = text.normalize('NFKD').replace(/[^\w-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '').toLowerCase().slice(0, 80);
  return slug || fallback;
}
