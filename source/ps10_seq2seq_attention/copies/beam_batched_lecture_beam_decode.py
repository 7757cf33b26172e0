"""Exercise 3 answered with the lecture's written-out beam search (section 6), wrapped into the
exercise's signature: one call of the decoder per hypothesis (a batch of one row), finished outputs
in the beam, ranking by the plain score, one answer. The lecture's code must not pass."""

COPY = {"lecture": "10_seq2seq_attention", "find": "def beam_decode("}
EXPECT = {"lose": ["beam_search_batched"]}
CELLS = {
    "beam_search_batched": """{lecture}


def beam_search_batched(step, start_state, k, max_len, bos, eos):
    global BOS, EOS
    BOS, EOS = bos, eos

    def one_step(token, state):  # the lecture's step: one hypothesis, one token
        logp, new_state = step(torch.tensor([token]), state)
        return logp[0], new_state

    tokens, score = beam_decode(one_step, start_state, k, max_len)
    return [(list(tokens), float(score))]
"""
}
