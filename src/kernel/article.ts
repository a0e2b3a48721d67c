/**
 * A word with its indefinite article, for messages built from a variable word ("an
 * authorization", "a capture", "an exempt code"); `sentenceStart` capitalises the article.
 * By the first letter, with the common exceptions where a vowel letter sounds a consonant
 * ("a unit", "a user", "a one-off"). For lower-case words, not acronyms ("a USD order").
 *
 * @example
 * ```ts
 * withArticle("authorization"); // "an authorization"
 * withArticle("refund", true); // "A refund"
 * ```
 */
export function withArticle(word: string, sentenceStart = false): string {
  const an = /^(?:[aeio]|u(?!ni|s[eu]|ti|ri))/i.test(word) && !/^(?:one|eu)/i.test(word);
  return `${an ? (sentenceStart ? "An" : "an") : sentenceStart ? "A" : "a"} ${word}`;
}
