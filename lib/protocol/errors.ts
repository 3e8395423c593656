/**
 * Every error tsgi throws on purpose. Messages follow one recipe: the
 * subject, what is wrong, the bad value, what to do instead.
 */

/** The root of tsgi's errors, so `catch` can tell ours from the rest. */
export class TsgiError extends Error {
  override name = 'TsgiError';
}

/** A component was configured wrongly; thrown when it is built, not per request. */
export class ImproperlyConfigured extends TsgiError {
  override name = 'ImproperlyConfigured';
}

/** A party broke a rule of docs/SPEC.md (thrown by the gateway and `validate()`). */
export class ProtocolError extends TsgiError {
  override name = 'ProtocolError';
}

/**
 * The client went away (closed or reset the connection) while the request
 * was being served. Not an application error: servers do not log it.
 */
export class ClientDisconnected extends TsgiError {
  override name = 'ClientDisconnected';
}
