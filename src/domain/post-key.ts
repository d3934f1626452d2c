/**
 * The identities the archive keys on. A post is one post across captures by its platform and the
 * platform's own id; an account by its platform and its fully qualified handle. `postKey` and
 * `accountKey` give one string per identity for Map and Set keys (NUL occurs in neither part).
 */
export interface PostKey {
  platform: string;
  platformId: string;
}

export interface AccountKey {
  platform: string;
  handle: string;
}

export function postKey(k: PostKey): string {
  return `${k.platform}\u0000${k.platformId}`;
}

export function accountKey(k: AccountKey): string {
  return `${k.platform}\u0000${k.handle}`;
}
