/** The password rule as the server enforces it, in the words shown to users. */
export const PASSWORD_RULE_TEXT = '至少 8 位,包含大写字母、小写字母、数字、符号中的至少三类,不得使用常见弱口令';
