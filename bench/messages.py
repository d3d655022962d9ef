"""What readers send in the benchmarks."""

# A mix of what readers send: FAQ-style, catalogue, reservations, chit-chat, noise.
MESSAGE_MIX = [
    "你好", "明天开门吗", "金陵图书馆在哪里", "有没有《三体》", "帮我预约活着",
    "我的预约", "怎么办读者证", "转人工", "谢谢", "今天天气怎么样", "asdf", "春节开放吗",
]
