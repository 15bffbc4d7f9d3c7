; corpus/history/5.13-altnot/5.13-x86_64-read_cr2.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x558 (bvsub RSP (_ bv8 64))))
(let ((?x155 (bvadd ?x558 (_ bv8 64))))
(let (($x751 (and (distinct ?x155 RSP) true)))
(let (($x837 (and (distinct (_ bv18446744071578845191 64) (_ bv18446744071578845191 64)) true)))
(let (($x768 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x451 (= TF (_ bv0 1))))
(let (($x176 (= VM (_ bv0 1))))
(let (($x119 (= DF (_ bv0 1))))
(and $x119 $x176 $x451 $x768 (or $x837 $x751)))))))))))
(check-sat)
