// A bounded memo for pure functions that requests call again and again with
// few distinct inputs (a user agent's words, a minute's date in an email): the
// answer is computed once per input, and at most `size` answers are kept (the
// oldest goes first), so input an attacker picks can't grow it.
export function memoized<K, V>(compute: (key: K) => V, size: number): (key: K) => V {
  const answers = new Map<K, V>();
  return (key) => {
    if (answers.has(key)) return answers.get(key) as V;
    const answer = compute(key);
    if (answers.size >= size) answers.delete(answers.keys().next().value as K);
    answers.set(key, answer);
    return answer;
  };
}
