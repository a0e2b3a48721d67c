/**
 * Parses CSV text (RFC 4180: comma-separated, fields optionally double-quoted, `""` for a
 * quote inside a quoted field, quoted fields may hold commas and line breaks; `\n` or `\r\n`
 * between records) into records of raw fields. Nothing is trimmed or converted.
 *
 * @example
 * ```ts
 * parseCsv('sku,name\nMUG,"Mug, red"\n'); // [["sku", "name"], ["MUG", "Mug, red"]]
 * ```
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  let started = false; // the current record has consumed at least one character
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    started = true;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      started = false;
    } else field += c;
  }
  if (started) {
    record.push(field);
    records.push(record);
  }
  return records;
}
