// Small word helpers the review page's scripts share.
export const plural = (n, word, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;
