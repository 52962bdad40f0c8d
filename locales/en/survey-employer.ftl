# Employer survey (surveys/employer.toml)

employer-title = Employer survey on our graduates
employer-intro = Dear colleagues at { $employer_name }, thank you for the trust you have placed in our graduates. This survey asks you to assess, as an employer, the graduates of our university you have hired over the past three years. It takes about 5 minutes. You rate our graduates as a group, not as individuals, and the results go straight into improving our programmes and teaching.

employer-page-about = About your organisation
employer-page-junior = Graduates in junior positions
employer-page-middle = Graduates in middle-level positions
employer-page-senior = Graduates in senior positions
employer-page-needs = Skill gaps and future hiring

employer-respondent_role = What is your role in your organisation?
employer-respondent_role-opt-hr = Head of HR or recruiter
employer-respondent_role-opt-supervisor = Direct supervisor of our graduates
employer-respondent_role-opt-leader = Head of the organisation
employer-respondent_role-opt-other = Other
employer-graduates_hired = How many of our graduates has your organisation hired in the past three years?
employer-graduates_hired-help = Count both new and earlier graduates; an estimate is fine if you do not know the exact number; enter 0 if none.
employer-job_levels = { $graduates_hired ->
    [one] At which level does the graduate you hired work now? (select all that apply)
   *[other] At which levels do the { $graduates_hired } graduates you hired work now? (select all that apply)
}

employer-junior_ethics = How satisfied are you with the professional ethics (commitment, integrity, responsibility) of our graduates in junior positions? (1 = very dissatisfied, 5 = very satisfied)
employer-junior_skill = How satisfied are you with the professional skills (applying subject knowledge and techniques) of our graduates in junior positions? (1 = very dissatisfied, 5 = very satisfied)
employer-junior_teamwork = How satisfied are you with the teamwork of our graduates in junior positions? (1 = very dissatisfied, 5 = very satisfied)
employer-junior_learning = How satisfied are you with the learning ability (picking up new knowledge and skills) of our graduates in junior positions? (1 = very dissatisfied, 5 = very satisfied)
employer-junior_job_fit = How well do our graduates in junior positions meet the demands of their jobs? (1 = far below, 5 = fully competent)
employer-junior_overall = Overall, how satisfied are you with our graduates in junior positions? (1 = very dissatisfied, 5 = very satisfied)

employer-middle_ethics = How satisfied are you with the professional ethics (commitment, integrity, responsibility) of our graduates in middle-level positions? (1 = very dissatisfied, 5 = very satisfied)
employer-middle_skill = How satisfied are you with the professional skills (applying subject knowledge and techniques) of our graduates in middle-level positions? (1 = very dissatisfied, 5 = very satisfied)
employer-middle_teamwork = How satisfied are you with the teamwork of our graduates in middle-level positions? (1 = very dissatisfied, 5 = very satisfied)
employer-middle_learning = How satisfied are you with the learning ability (picking up new knowledge and skills) of our graduates in middle-level positions? (1 = very dissatisfied, 5 = very satisfied)
employer-middle_job_fit = How well do our graduates in middle-level positions meet the demands of their jobs? (1 = far below, 5 = fully competent)
employer-middle_overall = Overall, how satisfied are you with our graduates in middle-level positions? (1 = very dissatisfied, 5 = very satisfied)

employer-senior_ethics = How satisfied are you with the professional ethics (commitment, integrity, responsibility) of our graduates in senior positions? (1 = very dissatisfied, 5 = very satisfied)
employer-senior_skill = How satisfied are you with the professional skills (applying subject knowledge and techniques) of our graduates in senior positions? (1 = very dissatisfied, 5 = very satisfied)
employer-senior_teamwork = How satisfied are you with the teamwork of our graduates in senior positions? (1 = very dissatisfied, 5 = very satisfied)
employer-senior_learning = How satisfied are you with the learning ability (picking up new knowledge and skills) of our graduates in senior positions? (1 = very dissatisfied, 5 = very satisfied)
employer-senior_job_fit = How well do our graduates in senior positions meet the demands of their jobs? (1 = far below, 5 = fully competent)
employer-senior_overall = Overall, how satisfied are you with our graduates in senior positions? (1 = very dissatisfied, 5 = very satisfied)

employer-skill_gaps = Which abilities do our graduates most need to strengthen? (up to 3)
employer-rehire_willingness = Within the next three years, would your organisation hire (more of) our graduates?
employer-planned_hires = About how many of our graduates do you plan to hire next year? (optional)
employer-visit_welcome = Would you welcome a visit from our careers office and teaching staff? (optional)
employer-comments = Any comments or suggestions on how we prepare our graduates? (optional; please do not name individual graduates)
