# Labels of the shared choice lists (surveys/choices.toml) and of the units. Option ids never
# change; only these texts do.

## Destination

choice-destination_type-employed = Employed by an organisation (employment agreement or labour contract, military service, grassroots programme, etc.)
choice-destination_type-flexible = Flexible employment (freelance, platform work, contract or project work, etc.)
choice-destination_type-self_employed = Running my own business (start-up)
choice-destination_type-further_study = Further study in mainland China (master's, doctorate, bachelor's top-up, second degree, etc.)
choice-destination_type-study_abroad = Studying abroad (including Hong Kong, Macao and Taiwan)
choice-destination_type-slow_employment = Taking time before working (preparing for exams, a break, etc.; not looking for a job now)
choice-destination_type-unemployed = Looking for a job, not found one yet

## Employer type

choice-employer_type-government = Government or Party organ
choice-employer_type-state_owned = State-owned enterprise
choice-employer_type-private = Private enterprise
choice-employer_type-foreign = Foreign-funded or joint-venture enterprise
choice-employer_type-public_institution = Public institution (school, hospital, etc.)
choice-employer_type-research_institute = Research institute
choice-employer_type-military = Armed forces
choice-employer_type-grassroots = Village or community organisation
choice-employer_type-social_org = Non-profit organisation (association, foundation, etc.)
choice-employer_type-other = Other

## Industry (GB/T 4754-2017 sections)

choice-industry-a = Agriculture, forestry, animal husbandry and fishery
choice-industry-b = Mining
choice-industry-c = Manufacturing
choice-industry-d = Electricity, heat, gas and water supply
choice-industry-e = Construction
choice-industry-f = Wholesale and retail trade
choice-industry-g = Transport, storage and postal services
choice-industry-h = Accommodation and catering
choice-industry-i = Information transmission, software and IT services
choice-industry-j = Finance
choice-industry-k = Real estate
choice-industry-l = Leasing and business services
choice-industry-m = Scientific research and technical services
choice-industry-n = Water conservancy, environment and public facilities management
choice-industry-o = Resident services, repair and other services
choice-industry-p = Education
choice-industry-q = Health and social work
choice-industry-r = Culture, sports and entertainment
choice-industry-s = Public administration, social security and social organisations
choice-industry-t = International organisations

## Job level

choice-job_level-junior = Junior (staff, technician, assistant, etc.)
choice-job_level-middle = Middle (head of a department or project, key technical staff, etc.)
choice-job_level-senior = Senior (executive, senior manager or chief technical officer)

## Reasons for leaving

choice-leave_reason-salary = Pay and benefits
choice-leave_reason-development = Limited prospects
choice-leave_reason-interest = The work did not suit my interests
choice-leave_reason-location = Location
choice-leave_reason-family = Family reasons
choice-leave_reason-contract_end = Contract ended, or the employer's decision (lay-offs, relocation, etc.)
choice-leave_reason-other = Other

## Management role

choice-management_role-none = No management role
choice-management_role-junior_manager = First-line manager (team leader, supervisor, project lead, etc.)
choice-management_role-middle_manager = Middle manager (head of a department, section chief, etc.)
choice-management_role-senior_manager = Senior manager (executive, division director or above, etc.)

## Further study

choice-further_degree-none = No
choice-further_degree-studying = Studying for one now
choice-further_degree-bachelor = Yes, a bachelor's degree (top-up, etc.)
choice-further_degree-master = Yes, a master's degree
choice-further_degree-doctor = Yes, a doctorate
choice-further_degree-other = Other

choice-study_level-bachelor = Bachelor's (top-up or second degree)
choice-study_level-master = Master's
choice-study_level-doctor = Doctorate
choice-study_level-other = Other

## Start-ups

choice-startup_funding-none = No outside funding
choice-startup_funding-angel = Angel or seed round
choice-startup_funding-series_a_plus = Series A or later
choice-startup_funding-government_grant = Government start-up grant, loan or fund
choice-startup_funding-other = Other

choice-startup_difficulty-funding = Lack of money
choice-startup_difficulty-policy = Hard to access support policies
choice-startup_difficulty-market = Hard to grow the market
choice-startup_difficulty-talent = Hard to hire and keep staff
choice-startup_difficulty-management = Lack of management experience
choice-startup_difficulty-premises = No suitable premises
choice-startup_difficulty-none = No major difficulty
choice-startup_difficulty-other = Other

## Not yet employed

choice-slow_cause-preparing_exams = Preparing for postgraduate, civil-service or other entrance exams, or to study abroad
choice-slow_cause-job_search_skills = Job-search skills (CV, interviews, etc.)
choice-slow_cause-career_unclear = Not sure yet which career I want
choice-slow_cause-no_suitable_job = Have not found a job that suits me
choice-slow_cause-family = Family reasons
choice-slow_cause-health = Health reasons
choice-slow_cause-other = Other

choice-help_wanted-job_referrals = Job leads or referrals
choice-help_wanted-resume_interview = CV review and mock interviews
choice-help_wanted-career_guidance = Career assessment and planning advice
choice-help_wanted-skills_training = Skills training
choice-help_wanted-exam_guidance = Coaching for entrance or civil-service exams
choice-help_wanted-startup_support = Start-up coaching
choice-help_wanted-policy_info = Information on employment policies and subsidies
choice-help_wanted-counselling = Counselling and emotional support
choice-help_wanted-none = None for now

## Skill gaps

choice-skill_gap-professional_knowledge = Subject knowledge
choice-skill_gap-knowledge_application = Applying knowledge flexibly
choice-skill_gap-engineering_practice = Hands-on and engineering practice
choice-skill_gap-problem_solving = Analysing and solving problems
choice-skill_gap-data_analysis = Data analysis
choice-skill_gap-digital_tools = Digital tools
choice-skill_gap-communication = Communication and writing
choice-skill_gap-cross_cultural = Foreign languages and cross-cultural communication
choice-skill_gap-teamwork = Teamwork
choice-skill_gap-innovation = Innovative thinking
choice-skill_gap-resilience = Coping with pressure and change
choice-skill_gap-professionalism = Professional attitude (responsibility, commitment)
choice-skill_gap-none = No notable gaps
choice-skill_gap-other = Other

## Yes / no

choice-yes_no-yes = Yes
choice-yes_no-no = No
choice-yes_no_unsure-yes = Yes
choice-yes_no_unsure-no = No
choice-yes_no_unsure-unsure = Not sure

## Units

unit-cny_per_month = CNY / month
unit-months = months
unit-years = years
unit-times = times
unit-people = people
unit-offers = offers
unit-certificates = certificates
unit-patents = patents
unit-proposals = proposals
