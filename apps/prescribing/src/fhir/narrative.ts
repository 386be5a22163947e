import type { Narrative } from './fhir-r4';

const XHTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

function escapeXhtml(text: string): string {
  return text.replace(/[&<>"]/g, (character) => XHTML_ESCAPES[character]);
}

/**
 * The human-readable part of a resource (FHIR's dom-6 asks every resource for one), one paragraph
 * per line of text. A client that shows only narratives shows this; the text comes from the
 * prescription, so it is escaped: a dosage may hold `<` or `&`.
 */
export function narrative(paragraphs: readonly string[]): Narrative {
  const body = paragraphs.map((paragraph) => `<p>${escapeXhtml(paragraph)}</p>`).join('');
  return { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${body}</div>` };
}
