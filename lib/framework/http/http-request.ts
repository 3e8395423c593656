// Placeholder written by the coordinator so the build passes; helper R replaces this file.
export class HttpRequest {}
