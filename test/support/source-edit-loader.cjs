// A webpack loader for tests that need workflow code changed the way a careless edit would change it:
// replaces `find` with `replace` in the module's source, and fails the build when `find` is not there.
module.exports = function sourceEditLoader(source) {
  const { find, replace } = this.getOptions();
  if (!source.includes(find)) throw new Error(`source-edit-loader: ${this.resourcePath} does not contain the text to replace`);
  return source.replace(find, replace);
};
