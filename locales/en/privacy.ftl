# Privacy notices, shown at the start of every survey and accepted before answering.
# Any change of substance needs a higher privacy_notice version in the survey definitions, so that
# everyone accepts it again.

-office = the university's Career Services Centre
-office-contact = { -office } (phone and e-mail on the "Contact us" page of the careers website and in your invitation)

privacy-graduate =
    1. Why we collect your information
    Under the Personal Information Protection Law and the national rules on graduate employment statistics and tracking, the university runs this survey in your graduation year and one, three and five years after you leave. We use it to compute employment rates and employment quality, to improve our majors and teaching, and to give one-to-one support to graduates who are not yet working or who ask for help. We use it for nothing else.

    2. What we collect
    From university records: your name, student number, school, major, class, degree level, graduation year and contact details (to send invitations and reminders).
    From your answers: your destination, employer, type of employer, industry, place of work, job, monthly pay, job changes and why, promotion, certificates and training, further study, any business you run, how satisfied you are, the help you need and your suggestions.
    You may leave out any question not marked as required. Options about your health (such as "Health reasons") are sensitive personal information: we collect them only if you choose them, and choosing one means you separately consent to our using it for statistics and support.
    To check data quality, the university may compare your answers with employment registration records and, with authorisation, with social-insurance and degree-verification data from the government data-sharing platform. Any difference found is used only to find and correct errors.

    3. Who sees what
    Staff of { -office }: all answers, for statistics and support.
    Your school's employment officer: answers from graduates of that school only.
    Class and alumni liaisons: only whether you have answered, never your answers.
    University leaders and other departments: summary statistics only.
    Employers and any other third party: nothing about you. The university never gives or sells your information to third parties.
    Every view and export is logged and audited.

    4. How we protect it
    Answers travel encrypted and are kept on the university's own servers. For analysis we remove names, student numbers and contact details; reports show only totals, and groups so small that a person could be recognised are not shown separately.

    5. How long we keep it
    Answers that identify you are kept until the end of the sixth year after you graduate (one year after the last follow-up survey), then deleted or anonymised. Anonymised statistics may be kept indefinitely.

    6. Your rights
    Taking part is voluntary, and not taking part affects none of your rights. You may see, copy, correct or delete your answers, and you may withdraw your consent and leave the follow-up surveys at any time by contacting { -office }. After that we send you no more invitations and delete the answers that identify you; statistics already compiled are not affected.

    7. Contact
    For questions, concerns or complaints about this notice or about how we handle your information, contact { -office-contact }.
    .title = Privacy notice
    .summary = We collect your destination, job, pay and similar details only to measure employment quality, improve our teaching and support you in finding work. We remove what identifies you before analysis and give nothing to third parties. Taking part is voluntary and you can withdraw at any time.

privacy-employer =
    1. Why we collect this information
    This survey asks employers how they rate our graduates. We use the answers to improve our majors and teaching, and to work with your organisation on recruitment and visits. We use them for nothing else.

    2. What we collect
    Your organisation's name and unified social credit code; the name, position, phone number and e-mail of the person answering (to send invitations and reminders, and to arrange visits); and the ratings and suggestions in your answers.
    The survey rates our graduates as a group, not as individuals: please do not enter any graduate's name or other personal details.

    3. Who sees what
    Staff of { -office }: your organisation's answers, for statistics and to stay in touch.
    University leaders, schools and teaching staff: summary statistics only.
    Graduates and any third party: nothing of your answers. Reports never name your organisation, and the university never gives or sells this information to third parties.
    Every view and export is logged and audited.

    4. How we protect it
    Answers travel encrypted and are kept on the university's own servers. For analysis we remove the organisation's name and the respondent's details; reports show only totals, and groups with too few answers are not shown separately.

    5. How long we keep it
    The respondent's contact details are kept while we work together and deleted when that ends or when you ask. Answers are kept for five years, then deleted or anonymised. Anonymised statistics may be kept indefinitely.

    6. Your rights
    Taking part is voluntary. You may see, correct or delete your organisation's answers and the respondent's details, and you may withdraw your consent and stop receiving invitations at any time by contacting { -office }; statistics already compiled are not affected.

    7. Contact
    For questions, concerns or complaints about this notice or about how we handle this information, contact { -office-contact }.
    .title = Privacy notice
    .summary = We collect your organisation's and your contact details and your ratings of our graduates as a group, only to improve our teaching and work with you on recruitment. Reports show only totals and never name your organisation; nothing goes to third parties. Taking part is voluntary and you can withdraw at any time.
