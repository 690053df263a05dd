// Replaced by the CLI's tests (issue 5); keeps the cli project non-empty meanwhile.
describe('cli project', () => {
  it('is wired into jest', () => {
    expect(require.resolve('../src/main.ts')).toMatch(/main\.ts$/);
  });
});
