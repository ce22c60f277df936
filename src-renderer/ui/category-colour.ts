import { CATEGORIES } from '../../src-shared/categories.js';

/**
 * One colour per category everywhere (Images is the same colour in every preview and every detail): the theme's
 * eight (--cat-1…8) in the order of the category table; later categories and a rule's own names share them by
 * hash. The legend's words and counts carry the meaning; the colour only repeats it.
 */
export function categoryColour(name: string): string {
  const index = (CATEGORIES as readonly string[]).indexOf(name);
  const slot = index >= 0 ? index : [...name].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) >>> 0, 0);
  return `var(--cat-${(slot % 8) + 1})`;
}
