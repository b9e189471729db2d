/** `scheme://user:password@` anywhere in a text; the last `@` of the authority ends the password. */
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^/?#@\s:]*):([^/?#\s]*)@/gi;

/**
 * `http://user:***@host:port` for every URL with a password in the text: a proxy URL or an override
 * named in an error or a log line keeps its user and host (what one needs to see what is wrong)
 * and never its password.
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(USERINFO, (_all, scheme: string, user: string) => `${scheme}${user}:***@`);
}
