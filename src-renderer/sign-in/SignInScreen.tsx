import { useState } from 'react';
import { Button, Checkbox, Form, Input, Label, TextField } from 'react-aria-components';
import { ErrorNote, InfoNote } from '../ui/Notes.js';
import { CheckMark } from '../ui/CheckMark.js';
import { client } from '../client/index.js';
import { useSession } from './session-store.js';

/**
 * Sign in with an account's email and password, or create one when the server allows signup. In a browser the
 * owner signs in with the one-time link `fileorg serve` prints, which never shows this form. The desktop window
 * is already the computer's own profile: this form signs it in to an account, nothing of it is remembered
 * after the app quits (so no "Keep me signed in"), and Cancel goes back.
 */
export function SignInScreen() {
  const { busy, error, notice, noticeIsError, signupAllowed, signIn, createAccount, cancelSignIn } = useSession();
  const desktop = client.desktop !== null;
  const [creating, setCreating] = useState(false);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [username, setUsername] = useState('');
  const [fullName, setFullName] = useState('');
  const [keep, setKeep] = useState(false);

  const submit = (): void => {
    if (creating) void createAccount({ email, password, username, full_name: fullName }, keep);
    else void signIn(email, password, keep);
  };

  return (
    <div className="sign-in">
      <h1>{creating ? 'Create an account' : desktop ? 'Sign in to an account' : 'Sign in to FileOrganizer'}</h1>
      <p className="muted">
        {creating
          ? 'An account organizes only the folders the owner of this computer allows it.'
          : desktop
            ? 'This window uses this computer\'s own profile. Sign in to work as an account instead, with only the folders this computer\'s owner allowed it; Sign out comes back to this profile.'
            : <>Sign in with your account. If this is your computer, open the link <code>fileorg serve</code> printed instead, or run <code>fileorg link</code> for a new one.</>}
      </p>
      {/* The desktop window says its notices over every screen (SessionNotice). */}
      {notice && !desktop && (noticeIsError ? <ErrorNote>{notice}</ErrorNote> : <InfoNote>{notice}</InfoNote>)}
      <Form className="form" onSubmit={(event) => { event.preventDefault(); submit(); }}>
        <TextField className="field" name="email" type="email" autoComplete="username" isRequired value={email} onChange={setEmail} autoFocus>
          <Label>Email</Label>
          <Input className="input" />
        </TextField>
        {creating && (
          <>
            <TextField className="field" name="username" autoComplete="nickname" isRequired value={username} onChange={setUsername}>
              <Label>Username</Label>
              <Input className="input" />
            </TextField>
            <TextField className="field" name="full_name" autoComplete="name" isRequired value={fullName} onChange={setFullName}>
              <Label>Full name</Label>
              <Input className="input" />
            </TextField>
          </>
        )}
        <TextField className="field" name="password" type="password" autoComplete={creating ? 'new-password' : 'current-password'} isRequired value={password} onChange={setPassword}>
          <Label>Password</Label>
          <Input className="input" />
        </TextField>
        {!desktop && (
          <Checkbox className="checkbox" isSelected={keep} onChange={setKeep}>
            <CheckMark />
            Keep me signed in
          </Checkbox>
        )}
        {error && <ErrorNote>{error}</ErrorNote>}
        <div className="form-actions">
          {creating ? (
            <>
              <Button type="submit" className="button button-primary" isDisabled={busy}>Create account</Button>
              <Button className="button button-quiet" onPress={() => setCreating(false)}>Sign in</Button>
            </>
          ) : (
            <>
              <Button type="submit" className="button button-primary" isDisabled={busy}>Sign in</Button>
              {signupAllowed && <Button className="button button-quiet" onPress={() => setCreating(true)}>Create account</Button>}
            </>
          )}
          {desktop && <Button className="button button-quiet sign-in-cancel" onPress={cancelSignIn}>Cancel</Button>}
        </div>
      </Form>
    </div>
  );
}
