; corpus/history/5.13-altnot/5.13-x86_64-pte_val-mov.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x363 (bvsub RSP (_ bv8 64))))
(let ((?x831 (bvadd ?x363 (_ bv8 64))))
(let (($x652 (and (distinct ?x831 RSP) true)))
(let (($x903 (and (distinct (_ bv18446744071578845191 64) (_ bv18446744071578845191 64)) true)))
(let (($x115 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x321 (= TF (_ bv0 1))))
(let (($x861 (= VM (_ bv0 1))))
(let (($x665 (= DF (_ bv0 1))))
(and $x665 $x861 $x321 $x115 (or $x903 $x652)))))))))))
(check-sat)
