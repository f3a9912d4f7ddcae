/** What the migrations of the stand-in schema share: the schema name and named CHECK constraints. */

export const S = 'multicase';

/** `CHECK (btrim(col) <> '')`, named `<table>_<col>_present`. */
export const present = (table: string, col: string) => `CONSTRAINT ${table}_${col}_present CHECK (btrim(${col}) <> '')`;
export const countryCode = (table: string, col: string) =>
  `CONSTRAINT ${table}_${col}_iso CHECK (${col} ~ '^[A-Z]{2}$')`;
