/** Types of card-renderer.js (a plain ES module, so the browser can load it as it is). */
export interface RenderOptions {
  /** open_id → display name, for @mentions */
  names?: Record<string, string>;
  /** image_key → URL */
  imageUrl?: (key: string) => string;
  all?: string;
}
export function escapeHtml(s: unknown): string;
export function renderMarkdown(source: string, opts?: RenderOptions): string;
export function renderCard(card: unknown, opts?: RenderOptions): string;
export function renderText(text: string, opts?: RenderOptions): string;
