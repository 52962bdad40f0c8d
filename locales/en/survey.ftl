# Answer engine messages: validation (invalid-*) and scale ends. Survey texts live in survey-<id>.ftl.

## Validation

invalid-required = Please answer this question.
invalid-unknown-page = This page does not exist; please reload and try again.
invalid-unknown-question = This question is not in the survey; please reload and try again.
invalid-hidden = Given your earlier answers, this question does not apply.
invalid-answer-kind = This answer does not fit the question; please answer as asked.
invalid-option = Please pick one of the options given.
invalid-other-missing = You chose “Other”: please say what.
invalid-other-too-long = “Other” can be at most { $max } characters.
invalid-exclusive = “{ $option }” cannot be combined with other options.
invalid-min-picks = { $min ->
    [one] Please pick at least one option.
   *[other] Please pick at least { $min } options.
}
invalid-max-picks = { $max ->
    [one] Please pick only one option.
   *[other] Please pick at most { $max } options.
}
invalid-rating = Please rate from { $min } to { $max }.
invalid-number = Please enter a number.
invalid-integer = Please enter a whole number.
invalid-number-min = The lowest accepted value is { $min }.
invalid-number-max = The highest accepted value is { $max }.
invalid-text-short = { $min ->
    [one] Please write at least one character.
   *[other] Please write at least { $min } characters.
}
invalid-text-long = Please keep it to { $max } characters or fewer.
invalid-month-min = The month cannot be before { $min }.
invalid-month-max = The month cannot be after { $max }.
invalid-region-province = Please choose a province.
invalid-region-city = Please choose a city of that province.

## Scales (the question text says what the ends mean; these only mark the points, so they fit any question)

scale-likert5-1 = 1 (lowest)
scale-likert5-2 = 2
scale-likert5-3 = 3 (middle)
scale-likert5-4 = 4
scale-likert5-5 = 5 (highest)
scale-score100-low = 0 (lowest)
scale-score100-high = 100 (highest)
