; corpus/history/5.13-altnot/5.13-x86_64-pte_val-mov.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x55 (bvsub RSP (_ bv8 64))))
(let ((?x655 (bvadd ?x55 (_ bv8 64))))
(let (($x341 (and (distinct ?x655 RSP) true)))
(let (($x1486 (and (distinct (_ bv18446744071578845191 64) (_ bv18446744071578845191 64)) true)))
(let (($x794 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x155 (= TF (_ bv0 1))))
(let (($x822 (= VM (_ bv0 1))))
(let (($x165 (= DF (_ bv0 1))))
(and $x165 $x822 $x155 $x794 (or $x1486 $x341)))))))))))
(check-sat)
