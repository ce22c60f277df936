import { z } from 'zod';
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH, USERNAME_PATTERN, USERNAME_RULE } from './account-rules.js';

const utf8Length = (text: string): number => new TextEncoder().encode(text).length;

export const passwordSchema = z.string()
  .min(PASSWORD_MIN_LENGTH, `a password needs at least ${PASSWORD_MIN_LENGTH} characters`)
  .refine((password) => utf8Length(password) <= PASSWORD_MAX_BYTES, `a password can be at most ${PASSWORD_MAX_BYTES} bytes (UTF-8); choose a shorter one`);

export const emailSchema = z.string().trim().max(254).pipe(z.email('an email address like user@example.com'));
export const usernameSchema = z.string().trim().regex(USERNAME_PATTERN, USERNAME_RULE);

export const signupInput = z.strictObject({
  email: emailSchema,
  username: usernameSchema,
  password: passwordSchema,
  full_name: z.string().trim().min(1, 'give a full name').max(200),
});
/** Login checks the password's length only as far as bcrypt can read it: a wrong password is just wrong. */
export const loginInput = z.strictObject({ email: z.string().trim().min(1).max(254), password: z.string().min(1).max(1024) });
export const refreshInput = z.strictObject({ refresh_token: z.string().min(1).max(512) });
export const logoutInput = z.strictObject({ refresh_token: z.string().min(1).max(512).optional() });
/** A one-time sign-in link's token (the `token` of /sign-in?token=…). */
export const linkSessionInput = z.strictObject({ token: z.string().min(1).max(200) });
export const changePasswordInput = z.strictObject({ current_password: z.string().min(1).max(1024), new_password: passwordSchema });

export const userSchema = z.object({
  id: z.string(),
  email: z.string().nullable(),
  username: z.string(),
  full_name: z.string(),
  created_at: z.string().describe('ISO 8601'),
});
export type UserView = z.infer<typeof userSchema>;

export const tokensSchema = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('bearer'),
  /** seconds until the access token expires */
  expires_in: z.number().int(),
});
export const sessionSchema = tokensSchema.extend({ user: userSchema });
export type Session = z.infer<typeof sessionSchema>;

export const apiKeyCreateInput = z.strictObject({ name: z.string().trim().min(1, 'give the key a name, e.g. "backup script"').max(100) });
export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** the key's first characters, enough to recognize it in a list */
  prefix: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
});
export const createdApiKeySchema = apiKeySchema.extend({ key: z.string().describe('shown once: store it now') });
