// Placeholder written by the coordinator so the build passes; helper U replaces this file.
export interface UrlEntry {
  toString(): string;
}
