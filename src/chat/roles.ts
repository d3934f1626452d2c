import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, configDir, parseYamlFile } from '../config.ts';

/**
 * viewer < archivist < admin; expert is its own grant (for the knowledge base's reviews); leader runs
 * the knowledge community (house rules, experts' topics, retiring entries) and approves as an expert
 * does. Admins are leaders and experts.
 */
const ROLES = ['viewer', 'archivist', 'admin', 'expert', 'leader'] as const;
export type Role = (typeof ROLES)[number];

type Grant = 'expert' | 'leader';
const ROLE_RANK: Record<Exclude<Role, Grant>, number> = { viewer: 1, archivist: 2, admin: 3 };

const role = z.enum(ROLES);

const schema = z.strictObject({
  /** The role of anyone not listed. */
  defaultRole: z.enum(['none', 'viewer', 'archivist', 'admin']).default('viewer'),
  users: z
    .array(
      z.strictObject({
        platform: z.enum(['slack', 'teams', 'mattermost', 'shell']),
        /** The platform's user id (Slack U…, Teams 29:… or AAD object id, Mattermost user id, shell login name), or * */
        user: z.string().min(1),
        roles: z.array(role).min(1),
        /** Only in these channels; absent = everywhere. */
        channels: z.array(z.string().min(1)).optional(),
        name: z.string().optional(),
        /** The knowledge community's topics this user is an expert on (open questions are routed by them). */
        topics: z.array(z.string().min(1)).optional(),
      }),
    )
    .default([]),
});

export type RolesConfig = z.output<typeof schema>;

/** The shell is the operator's own terminal: admin unless roles.yaml says otherwise. */
const BUILT_IN: RolesConfig['users'] = [{ platform: 'shell', user: '*', roles: ['admin'] }];

export class Roles {
  constructor(readonly config: RolesConfig) {}

  /** roles.yaml in the configuration folder (or the file ARCHIEFBOT_ROLES names); without one, everyone is a viewer and the shell is admin. */
  static load(env: NodeJS.ProcessEnv = process.env): Roles {
    const file = env.ARCHIEFBOT_ROLES ?? path.join(configDir(env), 'roles.yaml');
    if (!existsSync(file)) {
      if (env.ARCHIEFBOT_ROLES)
        throw new ConfigError(`${file}: the roles file (ARCHIEFBOT_ROLES) does not exist`);
      return new Roles({ defaultRole: 'viewer', users: BUILT_IN });
    }
    const parsed = { data: parseYamlFile(file, schema) };
    const users = parsed.data.users.some((u) => u.platform === 'shell')
      ? parsed.data.users
      : [...parsed.data.users, ...BUILT_IN];
    return new Roles({ ...parsed.data, users });
  }

  /** Every role this user holds in this channel. */
  rolesOf(platform: string, user: string, channel: string): Role[] {
    const out = new Set<Role>();
    for (const u of this.config.users) {
      if (u.platform !== platform || (u.user !== user && u.user !== '*')) continue;
      if (u.channels && !u.channels.includes(channel)) continue;
      for (const r of u.roles) out.add(r);
    }
    if (!out.size && this.config.defaultRole !== 'none') out.add(this.config.defaultRole);
    return [...out];
  }

  /** viewer < archivist < admin; expert and leader are grants of their own (admins hold both; leaders approve as experts). */
  allows(held: Role[], needed: Role): boolean {
    if (needed === 'leader') return held.includes('leader') || held.includes('admin');
    if (needed === 'expert')
      return held.includes('expert') || held.includes('leader') || held.includes('admin');
    // An expert or a leader is a member of the community: at least a viewer.
    const rank = Math.max(
      held.some((r) => r === 'expert' || r === 'leader') ? ROLE_RANK.viewer : 0,
      ...held
        .filter((r): r is Exclude<Role, Grant> => r !== 'expert' && r !== 'leader')
        .map((r) => ROLE_RANK[r]),
    );
    return rank >= ROLE_RANK[needed];
  }

  /** The knowledge community's experts (`platform:user`, name, topics): everyone listed with the expert role or with topics. */
  experts(): { id: string; name?: string; topics: string[] }[] {
    return this.config.users
      .filter((u) => u.user !== '*' && (u.roles.includes('expert') || (u.topics?.length ?? 0) > 0))
      .map((u) => ({
        id: `${u.platform}:${u.user}`,
        ...(u.name ? { name: u.name } : {}),
        topics: u.topics ?? [],
      }));
  }

  /** A user's name as roles.yaml gives it (`platform:user`), else the id itself. */
  nameOf(id: string): string {
    const u = this.config.users.find((x) => `${x.platform}:${x.user}` === id);
    return u?.name ?? id;
  }

  /** Whether `platform:user` holds `role` (in any channel), for the command line's `--as`. */
  holds(id: string, role: Role): boolean {
    const i = id.indexOf(':');
    const platform = id.slice(0, i);
    const user = id.slice(i + 1);
    const held = new Set<Role>();
    for (const u of this.config.users)
      if (u.platform === platform && (u.user === user || u.user === '*'))
        for (const r of u.roles) held.add(r);
    if (!held.size && this.config.defaultRole !== 'none') held.add(this.config.defaultRole);
    return this.allows([...held], role);
  }
}
