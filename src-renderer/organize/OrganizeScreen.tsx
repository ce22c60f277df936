export function OrganizeScreen() {
  return <h1>Organize</h1>;
}
